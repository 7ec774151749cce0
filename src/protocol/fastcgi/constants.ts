/** FastCGI 1.0 wire constants (specification section 8). @module */

/** The only protocol version: every record header starts with it. */
export const FCGI_VERSION_1 = 1;
/** Size of a record header, and the alignment records are padded to. */
export const FCGI_HEADER_LEN = 8;
/** Largest content of one record (the length field is 16 bits). */
export const FCGI_MAX_CONTENT = 65535;
/** The request id of management records. */
export const FCGI_NULL_REQUEST_ID = 0;

/** Record types. */
export const RecordType = {
  BEGIN_REQUEST: 1,
  ABORT_REQUEST: 2,
  END_REQUEST: 3,
  PARAMS: 4,
  STDIN: 5,
  STDOUT: 6,
  STDERR: 7,
  DATA: 8,
  GET_VALUES: 9,
  GET_VALUES_RESULT: 10,
  UNKNOWN_TYPE: 11,
} as const;
export type RecordType = (typeof RecordType)[keyof typeof RecordType];

/** Roles in BEGIN_REQUEST. */
export const Role = { RESPONDER: 1, AUTHORIZER: 2, FILTER: 3 } as const;
export type Role = (typeof Role)[keyof typeof Role];

/** The flag bit of BEGIN_REQUEST: keep the connection open after END_REQUEST. */
export const FCGI_KEEP_CONN = 1;

/** `protocolStatus` of END_REQUEST. */
export const ProtocolStatus = {
  REQUEST_COMPLETE: 0,
  CANT_MPX_CONN: 1,
  OVERLOADED: 2,
  UNKNOWN_ROLE: 3,
} as const;
export type ProtocolStatus = (typeof ProtocolStatus)[keyof typeof ProtocolStatus];

/** The variable names GET_VALUES may ask about. */
export const FCGI_MAX_CONNS = "FCGI_MAX_CONNS";
export const FCGI_MAX_REQS = "FCGI_MAX_REQS";
export const FCGI_MPXS_CONNS = "FCGI_MPXS_CONNS";

/** Role names for logs and env (`FCGI_ROLE`). */
export function roleName(role: number): string {
  return role === Role.RESPONDER ? "RESPONDER" : role === Role.AUTHORIZER ? "AUTHORIZER" : role === Role.FILTER ? "FILTER" : `role ${role}`;
}
