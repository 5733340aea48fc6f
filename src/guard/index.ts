/** The public surface of the guard, for resource servers. */
export { CurrentPrincipal, Public, Scopes } from './decorators';
export { TokenGuardModule } from './guard.module';
export type { TokenGuardModuleOptions } from './guard.module';
export { AccessDeniedSink, GuardDecisionSink, RevocationCheck, VerificationKeys } from './guard-options';
export type { AccessDenial, TokenGuardOptions } from './guard-options';
export type { Principal } from './principal';
export { RemoteJwksKeys } from './remote-jwks-keys';
export { TokenRejected, TokenVerifier } from './token-verifier';
