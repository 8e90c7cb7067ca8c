import { field, recordSchema, type RecordInput, type RecordOf } from './field-spec.js';

/**
 * The Minor Planet Center's orbit of the solar-system object a source is associated with (MPC
 * orbit table columns). Field names and types follow Rubin lsst.v11_0.mpc_orbits; promptly writes
 * null here until solar-system association exists.
 */
export const MPC_ORBITS_FIELDS = [
  field('id', 'int'),
  field('designation', 'string'),
  field('packed_primary_provisional_designation', 'string'),
  field('unpacked_primary_provisional_designation', 'string'),
  field('mpc_orb_jsonb', '?string'),
  field('created_at', '?timestamp-micros'),
  field('updated_at', '?timestamp-micros'),
  field('orbit_type_int', '?int'),
  field('u_param', '?int'),
  field('nopp', '?int'),
  field('arc_length_total', '?double', 'days'),
  field('arc_length_sel', '?double', 'days'),
  field('nobs_total', '?int'),
  field('nobs_total_sel', '?int'),
  field('a', '?double', 'au'),
  field('q', '?double', 'au'),
  field('e', '?double'),
  field('i', '?double', 'degrees'),
  field('node', '?double', 'degrees'),
  field('argperi', '?double', 'degrees'),
  field('peri_time', '?double', 'days'),
  field('yarkovsky', '?double', '10^(-10)*au/day^2'),
  field('srp', '?double', 'm^2/ton'),
  field('a1', '?double', 'm^2/ton'),
  field('a2', '?double', 'm^2/ton'),
  field('a3', '?double', 'm^2/ton'),
  field('dt', '?double'),
  field('mean_anomaly', '?double', 'degrees'),
  field('period', '?double', 'days'),
  field('mean_motion', '?double', 'degrees per day'),
  field('a_unc', '?double', 'au'),
  field('q_unc', '?double', 'au'),
  field('e_unc', '?double'),
  field('i_unc', '?double', 'degrees'),
  field('node_unc', '?double', 'degrees'),
  field('argperi_unc', '?double', 'degrees'),
  field('peri_time_unc', '?double', 'days'),
  field('yarkovsky_unc', '?double', '10^(-10)*au/day^2'),
  field('srp_unc', '?double', 'm^2/ton'),
  field('a1_unc', '?double', 'm^2/ton'),
  field('a2_unc', '?double', 'm^2/ton'),
  field('a3_unc', '?double', 'm^2/ton'),
  field('dt_unc', '?double'),
  field('mean_anomaly_unc', '?double', 'degrees'),
  field('period_unc', '?double', 'days'),
  field('mean_motion_unc', '?double', 'degrees per day'),
  field('epoch_mjd', '?double'),
  field('h', '?double'),
  field('g', '?double'),
  field('not_normalized_rms', '?double', 'arcsec'),
  field('normalized_rms', '?double', 'unitless'),
  field('earth_moid', '?double'),
  field('fitting_datetime', '?timestamp-micros'),
] as const;

/**
 * The Minor Planet Center's orbit of a known solar-system object. Avro record
 * `lsst.v11_0.mpc_orbits`.
 */
export const MPC_ORBITS_SCHEMA = recordSchema(
  'mpc_orbits',
  "The Minor Planet Center's orbit of a known solar-system object.",
  MPC_ORBITS_FIELDS,
);

/**
 * The Minor Planet Center's orbit of a known solar-system object. As decoded: every field present.
 */
export type MpcOrbits = RecordOf<typeof MPC_ORBITS_FIELDS>;

/**
 * The Minor Planet Center's orbit of a known solar-system object. As given to `buildAlert`:
 * nullable fields may be left out.
 */
export type MpcOrbitsInput = RecordInput<typeof MPC_ORBITS_FIELDS>;
