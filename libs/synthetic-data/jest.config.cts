module.exports = {
  displayName: 'synthetic-data',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/synthetic-data',
};
