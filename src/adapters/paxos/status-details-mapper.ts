import type {
  ActiveIdentityControl,
  IdentityRequirement,
  IdentityRequirementError,
  IdentityStatusDetails,
} from '../../domain/index.js';

// `status_details` (SPEC26) is decoded as a free-form object and read here leniently: Paxos documents that its codes
// grow without notice, and an item of an unexpected shape must cost that item, never the whole identity.

type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** An own property of a parsed JSON object (never one reached through `__proto__`). */
function own(source: Plain, key: string): unknown {
  return Object.hasOwn(source, key) ? source[key] : undefined;
}

function text(source: Plain, key: string): string | undefined {
  const value = own(source, key);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function itemsOf<T>(value: unknown, read: (item: Plain) => T | undefined): T[] {
  if (!Array.isArray(value)) return [];
  const out: T[] = [];
  for (const item of value as unknown[]) {
    const mapped = isPlain(item) ? read(item) : undefined;
    if (mapped !== undefined) out.push(mapped);
  }
  return out;
}

function errorFromWire(wire: Plain): IdentityRequirementError | undefined {
  const code = text(wire, 'code');
  if (code === undefined) return undefined;
  return { code, description: text(wire, 'description') ?? '' };
}

function requirementFromWire(wire: Plain): IdentityRequirement | undefined {
  const type = text(wire, 'type');
  const status = text(wire, 'status');
  if (type === undefined || status === undefined) return undefined;
  const awaitingActionFrom = text(wire, 'awaiting_action_from');
  return {
    type,
    status,
    ...(awaitingActionFrom !== undefined && { awaitingActionFrom }),
    errors: itemsOf(own(wire, 'errors'), errorFromWire),
  };
}

function controlFromWire(wire: Plain): ActiveIdentityControl | undefined {
  const id = text(wire, 'id');
  const type = text(wire, 'type');
  const setBy = text(wire, 'set_by');
  const createdAt = text(wire, 'created_at');
  if (id === undefined || type === undefined || setBy === undefined || createdAt === undefined) return undefined;
  const isOverridable = own(wire, 'is_overridable');
  const reasonCode = text(wire, 'reason_code');
  const reason = text(wire, 'reason');
  const deletedAt = text(wire, 'deleted_at');
  return {
    id,
    type,
    setBy,
    createdAt,
    ...(typeof isOverridable === 'boolean' && { isOverridable }),
    ...(reasonCode !== undefined && { reasonCode }),
    ...(reason !== undefined && { reason }),
    ...(deletedAt !== undefined && { deletedAt }),
  };
}

/** `status_details` of an `Identity` response as the domain's {@link IdentityStatusDetails}; absent lists are empty. */
export function statusDetailsFromWire(wire: Plain): IdentityStatusDetails {
  return {
    activeControls: itemsOf(own(wire, 'active_controls'), controlFromWire),
    requirements: itemsOf(own(wire, 'requirements'), requirementFromWire),
  };
}

/** The domain's {@link IdentityStatusDetails} as Paxos's `status_details` JSON (for printing an identity). */
export function statusDetailsToWire(details: IdentityStatusDetails): Plain {
  return {
    active_controls: details.activeControls.map((c) => ({
      id: c.id,
      type: c.type,
      set_by: c.setBy,
      ...(c.isOverridable !== undefined && { is_overridable: c.isOverridable }),
      ...(c.reasonCode !== undefined && { reason_code: c.reasonCode }),
      ...(c.reason !== undefined && { reason: c.reason }),
      created_at: c.createdAt,
      ...(c.deletedAt !== undefined && { deleted_at: c.deletedAt }),
    })),
    requirements: details.requirements.map((r) => ({
      type: r.type,
      status: r.status,
      ...(r.awaitingActionFrom !== undefined && { awaiting_action_from: r.awaitingActionFrom }),
      errors: r.errors.map((e) => ({ code: e.code, description: e.description })),
    })),
  };
}
