// A response-header plugin on solo-io's AssemblyScript SDK: adds "hello: <configuration or world>".
export * from "@solo-io/proxy-runtime/proxy";
import { RootContext, Context, registerRootContext, FilterHeadersStatusValues, stream_context, log, LogLevelValues } from "@solo-io/proxy-runtime";

class AddHeaderRoot extends RootContext {
  createContext(context_id: u32): Context {
    return new AddHeader(context_id, this);
  }
}

class AddHeader extends Context {
  constructor(context_id: u32, root_context: AddHeaderRoot) {
    super(context_id, root_context);
  }

  onResponseHeaders(a: u32, end_of_stream: bool): FilterHeadersStatusValues {
    const configuration = this.root_context.getConfiguration();
    stream_context.headers.response.add("hello", configuration == "" ? "world" : configuration);
    log(LogLevelValues.info, "assemblyscript plugin added a header");
    return FilterHeadersStatusValues.Continue;
  }
}

registerRootContext((context_id: u32) => { return new AddHeaderRoot(context_id); }, "add_header");
