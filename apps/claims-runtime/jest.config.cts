module.exports = {
  displayName: 'claims-runtime',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/claims-runtime',
};
