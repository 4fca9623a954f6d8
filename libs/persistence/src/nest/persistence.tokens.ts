/** Injection token of the initialised TypeORM DataSource: `@Inject(DATA_SOURCE) ds: DataSource`. */
export const DATA_SOURCE = Symbol.for('leaf.persistence.data-source');

/** Injection token of the resolved PersistenceModuleOptions (internal to the module, exported for tests). */
export const PERSISTENCE_OPTIONS = Symbol.for('leaf.persistence.options');
