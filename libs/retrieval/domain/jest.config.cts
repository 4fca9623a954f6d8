module.exports = {
  displayName: 'retrieval-domain',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/retrieval/domain',
};
