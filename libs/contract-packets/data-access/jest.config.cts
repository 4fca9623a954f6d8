module.exports = {
  displayName: 'contract-packets-data-access',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/contract-packets/data-access',
};
