import { routeQuery, modulesFor } from './route-query';

describe('routeQuery', () => {
  it('routes contract words to the contracts module', () => {
    const route = routeQuery('specialty brand discount guarantee', 'analyst');
    expect(route.modules).toEqual(['contracts']);
    expect(route.weights).toEqual({ keyword: 1, vector: 1 });
  });

  it('never gives a reader the findings or takeover modules, even when the query names them', () => {
    expect(modulesFor('reader')).toEqual(['contracts', 'requests', 'docs']);
    expect(routeQuery('duplicate fill findings', 'reader').modules).toEqual(['contracts', 'requests', 'docs']);
    expect(routeQuery('duplicate fill findings', 'analyst').modules).toEqual(['findings']);
  });

  it('searches every permitted module when the query names none, and weighs keywords double for identifiers', () => {
    const route = routeQuery('"REQ-20931"', 'operator');
    expect(route.modules).toEqual(['contracts', 'findings', 'requests', 'takeover', 'docs']);
    expect(route.weights.keyword).toBe(2);
  });
});
