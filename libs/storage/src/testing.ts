export { describeLakeContract, type LakeContractFixture } from './testing/lake.contract';
