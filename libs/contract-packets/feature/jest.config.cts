module.exports = {
  displayName: 'contract-packets-feature',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/contract-packets/feature',
};
