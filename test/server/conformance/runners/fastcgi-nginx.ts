// nginx → FastCGI with one upstream connection per request (fastcgi_keep_conn off).
import { nginxFastCgiRunner } from "../nginx-fastcgi-runner.js";

export default nginxFastCgiRunner(false);
