module.exports = {
  displayName: 'domo-takeover-data-access',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/domo-takeover/data-access',
};
