module.exports = {
  displayName: 'claims-runtime-reports',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/claims-runtime/reports',
};
