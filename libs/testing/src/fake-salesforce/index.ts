// The fake org lives in @leaf/fake-salesforce (the local stack starts it too); tests reach it here as before.
export * from '@leaf/fake-salesforce';
