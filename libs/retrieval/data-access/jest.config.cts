module.exports = {
  displayName: 'retrieval-data-access',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/retrieval/data-access',
};
