// The package's library entry (`import … from 'fleetstorm'`): the device-program API. The
// command line lives in src/cli (bin/fleetstorm.js); `fleetstorm/program` is the same API alone.
export {
  defineDevice,
  isDefinedDevice,
  DEVICE_PROGRAM,
  type Battery,
  type DefinedDevice,
  type Device,
  type DeviceProgram,
  type DisconnectReason,
  type Duration,
  type Flash,
  type JsonValue,
  type LogLevel,
  type OtaOffer,
  type Payload,
  type PublishOptions,
} from './program/api.js';
