module.exports = {
  displayName: 'lane-worker-feature',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/lane-worker/feature',
};
