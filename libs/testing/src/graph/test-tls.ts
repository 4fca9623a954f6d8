import { createSelfSignedIdentity, trustCertificate, type SelfSignedIdentity } from '@leaf/fake-salesforce';

export type TestTlsIdentity = SelfSignedIdentity;

/** A throwaway self-signed certificate for 127.0.0.1 and localhost (the fakes' shared TLS helper). */
export const createTestTlsIdentity = (): Promise<TestTlsIdentity> => createSelfSignedIdentity('leaf-fake-graph');

/** Makes this process's TLS clients trust `cert` on top of the usual roots; returns the undo. */
export const trustTestCertificate = trustCertificate;
