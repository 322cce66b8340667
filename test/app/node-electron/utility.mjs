// `--import`ed into a utilityProcess the stand-in forks: Electron sets process.resourcesPath in
// every process it starts with Node (its node_bindings), the utility process included.
if (process.env.STUB_RESOURCES) process.resourcesPath = process.env.STUB_RESOURCES;
