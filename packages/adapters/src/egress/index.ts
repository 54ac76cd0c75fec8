/*
 * Outbound connections to user-named hosts: the policy (public addresses only, FETCH_ALLOW_HOSTS
 * exceptions), a filtering proxy for yt-dlp, and a fetch that re-checks every redirect.
 */
export { type GuardedFetchInit, guardedFetch } from './guarded-fetch.ts';
export { EgressPolicy, type EgressPolicyOptions, EgressRefusedError } from './policy.ts';
export { type EgressProxy, type EgressProxyOptions, startEgressProxy } from './proxy.ts';
