// Public face of auth/: passwords, sessions, CSRF, login throttling, single-use e-mail tokens, accounts,
// and OAuth/OIDC sign-in (oauth.ts is the only file that imports arctic).
export { randomToken, sha256Hex, constantTimeEqual, serverKey, sign, unsign } from "./crypto.ts";
export { hashPassword, verifyPassword, type PasswordCheck } from "./password.ts";
export {
  SESSION_COOKIE,
  SHORT_IDLE_MS,
  LONG_IDLE_MS,
  REFRESH_MS,
  createSession,
  validateSessionToken,
  invalidateSession,
  invalidateUserSessions,
  deleteExpiredSessions,
  sessionData,
  updateSessionData,
  sessionCookie,
  blankSessionCookie,
  type Session,
  type SessionWithToken,
  type ValidSession,
} from "./session.ts";
export { CSRF_FIELD, CSRF_HEADER, ANON_CSRF_COOKIE, csrfToken, csrfTokenValid, sameOrigin } from "./csrf.ts";
export { Throttle, addressKey, loginKeys, ADDRESS_RULE, ACCOUNT_RULE, DEVICE_RULE, MAX_BLOCK_MS, FORGET_MS, type ThrottleRule } from "./throttle.ts";
export { issueToken, peekToken, consumeToken, deleteExpiredTokens, TOKEN_LIFETIME_MS, type TokenPurpose, type UserToken } from "./tokens.ts";
export {
  ValidationError,
  registerAccount,
  markEmailVerified,
  findLoginUser,
  checkPasswordLogin,
  changePassword,
  newPasswordHash,
  setPasswordHash,
  checkNewEmail,
  setLanguage,
  deleteAccount,
  deleteOwnAccount,
  deleteUnverifiedAccounts,
  getUser,
  setActive,
  setStaff,
  searchUsers,
  emailDomainResolves,
  LANGUAGES,
  type RegisterInput,
  type RegistrationMode,
  type EmailPolicy,
  type LoginResult,
  type UserDeleteHook,
  type UserPage,
} from "./accounts.ts";
export { accountWithVerifiedEmail, findIdentityUser, listIdentities, linkIdentity, unlinkIdentity, createUserFromIdentity, freeUsername, type Identity } from "./identities.ts";
export { configuredProviders, githubEndpoints, isPending, OAuthError, PROVIDER_NAMES, type OAuthProvider, type ProviderName, type ExternalIdentity, type PendingAuthorization } from "./oauth.ts";
