module.exports = {
  displayName: 'retrieval',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/retrieval',
};
