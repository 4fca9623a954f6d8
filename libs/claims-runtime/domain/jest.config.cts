module.exports = {
  displayName: 'claims-runtime-domain',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/claims-runtime/domain',
};
