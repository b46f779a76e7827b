import { WireBoolean, WireNested, WireString } from './wire.js';

/** `SetDisable`: `{ disabled: true }` sets the flag, `{ disabled: false }` clears it. */
export class SetDisableDto {
  @WireBoolean() disabled?: boolean;
}

/** `IdentitySandboxSandboxSetIdentityStatusBody`, the body of `PUT /identity/identities/{id}/sandbox-status`. */
export class SandboxSetIdentityStatusDto {
  @WireString() id_verification_status?: string;
  @WireString() sanctions_verification_status?: string;
  @WireString() document_verification_status?: string;
  @WireString() additional_screening_status?: string;
  @WireNested(() => SetDisableDto) user_disabled?: SetDisableDto;
  @WireNested(() => SetDisableDto) admin_disabled?: SetDisableDto;
}
