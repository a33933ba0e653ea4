import type { Translations } from './index.ts';

/** Messages for customers refusals, in en-US, fr-FR and de-DE; placeholders are {name}. */
export const CUSTOMER_MESSAGES = {
  'customer.countryNotAllowed': {
    'en-US': 'The {cloud} instance does not accept customers in country {country} (R-CUS-1, SPEC §6).',
    'fr-FR': 'L’instance {cloud} n’accepte pas de clients dans le pays {country} (R-CUS-1, SPEC §6).',
    'de-DE': 'Die Instanz {cloud} nimmt keine Kunden im Land {country} an (R-CUS-1, SPEC §6).',
  },
  'customer.usgovRequiresGovernment': {
    'en-US':
      'The usgov instance serves US government entities only: country US, segment government (country {country}, SPEC §6).',
    'fr-FR':
      'L’instance usgov ne sert que des entités gouvernementales américaines : pays US, segment government (pays {country}, SPEC §6).',
    'de-DE':
      'Die Instanz usgov bedient nur US-Regierungsstellen: Land US, Segment government (Land {country}, SPEC §6).',
  },
  'customer.instanceClosed': {
    'en-US': 'The {cloud} instance is closed to new customers; an operator can open it (SPEC §6).',
    'fr-FR': 'L’instance {cloud} est fermée aux nouveaux clients ; un opérateur peut l’ouvrir (SPEC §6).',
    'de-DE': 'Die Instanz {cloud} nimmt keine neuen Kunden an; ein Betreiber kann sie öffnen (SPEC §6).',
  },
  'customer.domainTaken': {
    'en-US': 'The domain {domain} already belongs to a customer on this instance (R-CUS-1).',
    'fr-FR': 'Le domaine {domain} appartient déjà à un client de cette instance (R-CUS-1).',
    'de-DE': 'Die Domäne {domain} gehört in dieser Instanz bereits einem Kunden (R-CUS-1).',
  },
  'customer.qualificationNotAllowed': {
    'en-US':
      'A partner cannot set the qualification {qualification}; only the platform operator can (R-CUS-2).',
    'fr-FR':
      'Un partenaire ne peut pas attribuer la qualification {qualification} ; seul l’opérateur de la plateforme le peut (R-CUS-2).',
    'de-DE':
      'Ein Partner kann die Qualifikation {qualification} nicht setzen; nur der Plattformbetreiber kann das (R-CUS-2).',
  },
  'customer.segmentNotAllowed': {
    'en-US': 'The {cloud} instance does not accept customers in segment {segment} (SPEC §6).',
    'fr-FR': 'L’instance {cloud} n’accepte pas de clients du segment {segment} (SPEC §6).',
    'de-DE': 'Die Instanz {cloud} nimmt keine Kunden im Segment {segment} an (SPEC §6).',
  },
  'customer.gccRequiresUs': {
    'en-US':
      'GovernmentCommunityCloud is for US government entities; this customer is in country {country} (R-CUS-2).',
    'fr-FR':
      'GovernmentCommunityCloud est réservé aux entités gouvernementales américaines ; ce client est dans le pays {country} (R-CUS-2).',
    'de-DE':
      'GovernmentCommunityCloud ist für US-Regierungsstellen; dieser Kunde ist im Land {country} (R-CUS-2).',
  },
  'customer.segmentConflict': {
    'en-US':
      'The customer is already in segment {segment}; the qualification {qualification} would contradict it (R-CUS-2).',
    'fr-FR':
      'Le client est déjà dans le segment {segment} ; la qualification {qualification} le contredirait (R-CUS-2).',
    'de-DE':
      'Der Kunde ist bereits im Segment {segment}; die Qualifikation {qualification} widerspräche dem (R-CUS-2).',
  },
  'customer.unknownQualification': {
    'en-US': 'Unknown qualification {value}; expected one of {allowed}.',
    'fr-FR': 'Qualification inconnue {value} ; valeurs attendues : {allowed}.',
    'de-DE': 'Unbekannte Qualifikation {value}; erwartet wird eine von {allowed}.',
  },
  'customer.contactNameRequired': {
    'en-US':
      'The billing contact needs a first and a last name, in billingProfile or in its defaultAddress (missing: {fields}).',
    'fr-FR':
      'Le contact de facturation doit avoir un prénom et un nom, dans billingProfile ou dans son defaultAddress (manquant : {fields}).',
    'de-DE':
      'Der Rechnungskontakt braucht Vor- und Nachnamen, in billingProfile oder in dessen defaultAddress (fehlt: {fields}).',
  },
  'customer.registrationNumberRequired': {
    'en-US': 'Customers in country {country} need companyProfile.organizationRegistrationNumber.',
    'fr-FR': 'Les clients du pays {country} doivent avoir companyProfile.organizationRegistrationNumber.',
    'de-DE': 'Kunden im Land {country} benötigen companyProfile.organizationRegistrationNumber.',
  },
  'customer.staleEtag': {
    'en-US':
      'Etag is no longer valid: customer {id} has changed since it was read (version {current}); read it again (R-API-3).',
    'fr-FR':
      'L’ETag n’est plus valide : le client {id} a changé depuis sa lecture (version {current}) ; relisez-le (R-API-3).',
    'de-DE':
      'Das ETag ist nicht mehr gültig: Kunde {id} wurde seit dem Lesen geändert (Version {current}); lesen Sie ihn erneut (R-API-3).',
  },
} satisfies Record<string, Translations>;
