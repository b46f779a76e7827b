/**
 * The wire fields of an identity that hold personal data. The console shows them masked; each is revealed only by
 * its own request, so that a screenshot, a recorded session or the live feed never carries them.
 */
const PERSONAL_KEYS = new Set([
  'first_name',
  'middle_name',
  'last_name',
  'date_of_birth',
  'govt_id',
  'cip_id',
  'tax_payer_id',
  'email',
  'phone_number',
  'address',
  'passthrough_verification_id',
]);

/** What stands for a masked value on the page and in the JSON the page reads. */
const MASKED = '•••••';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * A copy of a wire identity with every personal value replaced by {@link MASKED}, and the paths of those values
 * (`person_details.cip_id`, `tax_details.0.tax_payer_id`), the only ones {@link revealField} answers for.
 */
export function maskPersonal(wire: unknown): { readonly masked: Json; readonly personal: readonly string[] } {
  const personal: string[] = [];
  const walk = (value: unknown, path: string): Json => {
    if (Array.isArray(value)) return value.map((item, i) => walk(item, join(path, String(i))));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, Json> = {};
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        const at = join(path, key);
        if (PERSONAL_KEYS.has(key) && item !== undefined && item !== null && item !== '') {
          personal.push(at);
          out[key] = MASKED;
        } else {
          out[key] = walk(item, at);
        }
      }
      return out;
    }
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
    return null;
  };
  return { masked: walk(wire, ''), personal };
}

/**
 * The clear value at `field` of a wire identity, when `field` is one of the personal paths {@link maskPersonal}
 * lists for it; undefined otherwise (so that reveal cannot be used to read arbitrary paths).
 */
export function revealField(wire: unknown, field: string): string | undefined {
  if (!maskPersonal(wire).personal.includes(field)) return undefined;
  let value: unknown = wire;
  for (const segment of field.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  if (value !== null && typeof value === 'object') {
    // An address: one line, as a person would read it.
    return Object.values(value as Record<string, unknown>)
      .filter((part) => typeof part === 'string' && part !== '')
      .join(', ');
  }
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
