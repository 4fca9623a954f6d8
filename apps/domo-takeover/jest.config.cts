module.exports = {
  displayName: 'domo-takeover',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/domo-takeover',
};
