// nginx → FastCGI over kept upstream connections (upstream keepalive + fastcgi_keep_conn on).
import { nginxFastCgiRunner } from "../nginx-fastcgi-runner.js";

export default nginxFastCgiRunner(true);
