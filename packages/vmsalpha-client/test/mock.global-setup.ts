// The mock of this API on a free port of 127.0.0.1 for the whole run (tests: inject("mockUrl")).
import { mockGlobalSetup } from "@mizan/testing";

export default mockGlobalSetup("vmsalpha");
