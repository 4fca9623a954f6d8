module.exports = {
  displayName: 'contract-packets-domain',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/contract-packets/domain',
};
