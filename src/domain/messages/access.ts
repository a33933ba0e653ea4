import type { Translations } from './index.ts';

/** Messages for customer users, licences and access decisions (R-ACC, SPEC §6). */
export const ACCESS_MESSAGES = {
  'customerUser.managementAbsent': {
    'en-US':
      'Customer users and licences are not managed through the {cloud} instance; use its own directory tools (SPEC §6).',
    'fr-FR':
      'Les utilisateurs et licences des clients ne se gèrent pas par l’instance {cloud} ; utilisez ses propres outils d’annuaire (SPEC §6).',
    'de-DE':
      'Kundenbenutzer und Lizenzen werden nicht über die Instanz {cloud} verwaltet; verwenden Sie deren eigene Verzeichniswerkzeuge (SPEC §6).',
  },
  'customerUser.managementReadOnly': {
    'en-US': 'On the {cloud} instance customer users and licences can be read but not changed (SPEC §6).',
    'fr-FR':
      'Sur l’instance {cloud}, les utilisateurs et licences des clients se consultent mais ne se modifient pas (SPEC §6).',
    'de-DE':
      'In der Instanz {cloud} können Kundenbenutzer und Lizenzen gelesen, aber nicht geändert werden (SPEC §6).',
  },
  'customerUser.invalidRole': {
    'en-US': 'The role {value} is not one of admin, user.',
    'fr-FR': 'Le rôle {value} n’est ni admin ni user.',
    'de-DE': 'Die Rolle {value} ist weder admin noch user.',
  },
  'customerUser.upnDomain': {
    'en-US':
      'The user principal name {userPrincipalName} must be name@{domain}, a name at the customer’s domain.',
    'fr-FR':
      'Le nom d’utilisateur principal {userPrincipalName} doit être de la forme nom@{domain}, au domaine du client.',
    'de-DE':
      'Der Benutzerprinzipalname {userPrincipalName} muss name@{domain} lauten, ein Name in der Domäne des Kunden.',
  },
  'customerUser.upnTaken': {
    'en-US': 'The customer already has a user {userPrincipalName}.',
    'fr-FR': 'Le client a déjà un utilisateur {userPrincipalName}.',
    'de-DE': 'Der Kunde hat bereits einen Benutzer {userPrincipalName}.',
  },
  'license.noSeat': {
    'en-US':
      'Subscription {subscriptionId} has {quantity} licences and {assigned} are assigned: none is free. Raise its quantity or remove a licence first.',
    'fr-FR':
      'L’abonnement {subscriptionId} a {quantity} licences et {assigned} sont attribuées : aucune n’est libre. Augmentez la quantité ou retirez d’abord une licence.',
    'de-DE':
      'Das Abonnement {subscriptionId} hat {quantity} Lizenzen, {assigned} sind zugewiesen: keine ist frei. Erhöhen Sie die Menge oder entfernen Sie zuerst eine Lizenz.',
  },
  'license.notActive': {
    'en-US': 'Licences can be assigned only from an active subscription; {subscriptionId} is {status}.',
    'fr-FR':
      'Les licences ne s’attribuent que depuis un abonnement actif ; {subscriptionId} est à l’état {status}.',
    'de-DE':
      'Lizenzen können nur aus einem aktiven Abonnement zugewiesen werden; {subscriptionId} ist {status}.',
  },
  'license.unknownSku': {
    'en-US':
      'The customer has no subscription for SKU {skuId} (a SKU is an offer id, or a subscription id of this customer).',
    'fr-FR':
      'Le client n’a aucun abonnement pour la référence {skuId} (une référence est un identifiant d’offre, ou d’abonnement de ce client).',
    'de-DE':
      'Der Kunde hat kein Abonnement für die SKU {skuId} (eine SKU ist eine Angebots-ID oder eine Abonnement-ID dieses Kunden).',
  },
  'license.notAssigned': {
    'en-US': 'The user holds no licence for SKU {skuId}, so none can be removed.',
    'fr-FR': 'L’utilisateur n’a aucune licence pour la référence {skuId} : il n’y a rien à retirer.',
    'de-DE': 'Der Benutzer hat keine Lizenz für die SKU {skuId}; es gibt nichts zu entfernen.',
  },
  'license.unknownPlan': {
    'en-US': 'The service plan {plan} is not part of SKU {skuId}.',
    'fr-FR': 'Le plan de service {plan} ne fait pas partie de la référence {skuId}.',
    'de-DE': 'Der Serviceplan {plan} gehört nicht zur SKU {skuId}.',
  },
  'license.quantityBelowAssigned': {
    'en-US':
      'Subscription {subscriptionId} cannot go down to {quantity} licences: {assigned} are assigned to users. Remove licences first.',
    'fr-FR':
      'L’abonnement {subscriptionId} ne peut pas descendre à {quantity} licences : {assigned} sont attribuées à des utilisateurs. Retirez d’abord des licences.',
    'de-DE':
      'Das Abonnement {subscriptionId} kann nicht auf {quantity} Lizenzen sinken: {assigned} sind Benutzern zugewiesen. Entfernen Sie zuerst Lizenzen.',
  },
  'access.tenantNotFound': {
    'en-US': 'No customer (tenant) {tenantId} was found.',
    'fr-FR': 'Aucun client (locataire) {tenantId} n’a été trouvé.',
    'de-DE': 'Kein Kunde (Mandant) {tenantId} gefunden.',
  },
} satisfies Record<string, Translations>;
