module.exports = {
  displayName: 'local-stack',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/local-stack',
};
