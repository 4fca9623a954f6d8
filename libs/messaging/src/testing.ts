export { describeBusConformance, type BusConformanceTarget } from './conformance/bus.conformance';
export { conformanceTopology, conformanceSettings } from './conformance/conformance-topology';
