export { describeBusConformance, type BusConformanceTarget } from './conformance/bus.conformance';
export { conformanceTopology, conformanceSettings, shortLivedSettings } from './conformance/conformance-topology';
export type { RawOutgoingMessage } from './conformance/raw-message';
export { writeRawEmbeddedMessage } from './embedded/fixtures/raw-message.writer';
