import { RequiredString, WireNumber, WireString } from './wire.js';

/** The token endpoint's success body: `{access_token, expires_in: 3599, scope, token_type: "bearer"}`. */
export class TokenResponseDto {
  @RequiredString() access_token!: string;
  @WireNumber() expires_in?: number;
  @WireString() token_type?: string;
  @WireString() scope?: string;
}

/** An OAuth 2 error body (RFC 6749 §5.2): `{error: "invalid_client", error_description}`. */
export class OAuthErrorDto {
  @RequiredString() error!: string;
  @WireString() error_description?: string;
}
