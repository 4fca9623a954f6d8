module.exports = {
  displayName: 'domo-takeover-domain',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/domo-takeover/domain',
};
