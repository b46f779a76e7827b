export {
  MailingAddressDto,
  PersonDetailsDto,
  InstitutionDetailsDto,
  InstitutionMemberDto,
  TaxDetailDto,
  CustomerDueDiligenceDto,
  IdentityDto,
  CreateIdentityRequestDto,
  ListIdentitiesResponseDto,
  UpdateIdentityRequestDto,
} from './identity.dto.js';
export { ProblemDto } from './problem.dto.js';
export { SandboxSetIdentityStatusDto } from './sandbox-status.dto.js';
export { TokenResponseDto, OAuthErrorDto } from './oauth.dto.js';
export { decode, decodeJsonText, fastDecode, referenceDecode, type Decoded } from './decode.js';
export { referenceLibraries } from './wire.js';
