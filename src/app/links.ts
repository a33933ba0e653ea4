/** A Partner Center link (`links.self`, `links.offer`, ...): always a GET with no headers here. */
export interface Link {
  uri: string;
  method: string;
  headers: { key: string; value: string }[];
}

/** The one builder of the links the API's resources carry. */
export const link = (uri: string): Link => ({ uri, method: 'GET', headers: [] });
