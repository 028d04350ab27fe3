import { mockGlobalSetup } from "@mizan/testing";

export default mockGlobalSetup("daftra");
