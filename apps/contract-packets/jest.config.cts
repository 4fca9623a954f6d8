module.exports = {
  displayName: 'contract-packets',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/contract-packets',
};
