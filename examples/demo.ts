/**
 * What `npm start` (`tsgi demo`) serves: the example apps. For now the sum example, at the root:
 * http://127.0.0.1:8000/sum?a=1&b=2
 */
import sum from "./sum/app.js";

export default sum;
