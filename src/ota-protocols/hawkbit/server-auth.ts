// Authentication of DDI requests on the embedded server, as a hawkBit tenant configured for
// target security tokens and/or a gateway token: `Authorization: TargetToken <token of this
// controller>` or `Authorization: GatewayToken <the tenant's gateway token>`.

export interface DdiServerAuth {
  /** The expected target token of a controller; absent: any TargetToken is accepted. */
  targetTokenOf?: (controllerId: string) => string;
  /** The tenant's gateway token; absent: any GatewayToken is accepted. */
  gatewayToken?: string;
  /** Requests without either header are served (hawkBit's anonymous download/DDI option). */
  anonymous?: boolean;
}

const HEADER = /^(TargetToken|GatewayToken) +(\S+)$/;

export function checkDdiAuth(
  auth: DdiServerAuth | undefined,
  header: string | undefined,
  controllerId: string,
): boolean {
  const m = header === undefined ? null : HEADER.exec(header.trim());
  if (m === null) return auth?.anonymous === true;
  const [scheme, token] = [m[1], m[2]];
  if (scheme === 'GatewayToken') return auth?.gatewayToken === undefined || auth.gatewayToken === token;
  return auth?.targetTokenOf === undefined || auth.targetTokenOf(controllerId) === token;
}
