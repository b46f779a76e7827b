import { IdentityServiceError, type IdentityServiceErrorOptions } from '../shared/errors.js';

/** No control with this id exists for these credentials (or it was deleted already). */
export class IdentityControlNotFoundError extends IdentityServiceError {
  readonly code = 'identity_control_not_found';
  readonly controlId: string;

  constructor(controlId: string, options: IdentityServiceErrorOptions = {}) {
    super(`Identity control not found: ${controlId.slice(0, 64)}`, options);
    this.controlId = controlId.slice(0, 64);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), controlId: this.controlId };
  }
}
