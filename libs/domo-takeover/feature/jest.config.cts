module.exports = {
  displayName: 'domo-takeover-feature',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/domo-takeover/feature',
};
