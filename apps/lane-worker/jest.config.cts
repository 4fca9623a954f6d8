module.exports = {
  displayName: 'lane-worker',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/lane-worker',
};
