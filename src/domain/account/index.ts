export { ROLES_UPDATE_MAY_CHANGE, type Account, type AccountMember, type AccountMemberInput } from './account.js';
export { NewAccount, type CreateAccountCommand } from './new-account.js';
export { AccountUpdate, parseAccountChanges, type AccountChanges, type AccountDelta } from './account-update.js';
export { parseListAccountsFilter, type ListAccountsFilter, type AccountPage } from './list-filter.js';
export { parseAccountMembersToAdd, parseAccountId, checkMembersReplacement } from './members.js';
export { AccountNotFoundError, AccountMemberNotFoundError, AccountAlreadyExistsError } from './errors.js';
