module.exports = {
  displayName: 'claims-runtime-feature',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/claims-runtime/feature',
};
