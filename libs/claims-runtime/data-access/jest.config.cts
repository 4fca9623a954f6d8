module.exports = {
  displayName: 'claims-runtime-data-access',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/claims-runtime/data-access',
};
