// The hello world the pool bench serves: a bare tsgi app in plain JavaScript.
const body = "Hello, World!";
export default () => ({ status: 200, headers: [["content-type", "text/plain"], ["content-length", "13"]], body });
