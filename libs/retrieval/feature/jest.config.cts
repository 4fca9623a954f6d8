module.exports = {
  displayName: 'retrieval-feature',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/retrieval/feature',
};
