-- operators.sql: the operators and aggregates vqc applies to a column's
-- values, taken from the default operator classes of the column's type, never
-- looked up by name: with search_path pinned to pg_catalog an operator named
-- "<" would find text's for a citext column (through its implicit cast to
-- text), and an unqualified name could find what another role planted.  The
-- generated SQL names each one as OPERATOR(schema.op), or schema.aggregate,
-- of the operator class's own schema, and casts both operands to the class's
-- input type when the column's type is not that type itself (a domain,
-- varchar for text's class), so that the one operator taking exactly those
-- types is the one resolved.

-- The default operator class of access method am for values of typ (a
-- domain: of its base type), as GetDefaultOpClass chooses it: one for the
-- type itself, else one for a type it is binary-coercible to (varchar to
-- text), preferring the category's preferred type, else the polymorphic one
-- (arrays, enums, ranges, composite types).  NULL when there is none.
CREATE FUNCTION vqc._default_opclass(typ regtype, am text)
RETURNS oid
LANGUAGE sql STABLE
AS $$
    SELECT c.oid
      FROM pg_type t, pg_opclass c
      JOIN pg_am m ON m.oid = c.opcmethod
      JOIN pg_type ct ON ct.oid = c.opcintype
     WHERE t.oid = vqc._base_type(typ) AND m.amname = am AND c.opcdefault
       AND (c.opcintype = t.oid
            OR EXISTS (SELECT 1 FROM pg_cast k
                        WHERE k.castsource = t.oid AND k.casttarget = c.opcintype
                          AND k.castmethod = 'b' AND k.castcontext = 'i')
            OR (c.opcintype = 'anyarray'::regtype AND t.typelem <> 0
                AND t.typsubscript = 'array_subscript_handler'::regproc)
            OR (c.opcintype = 'anyenum'::regtype AND t.typtype = 'e')
            OR (c.opcintype = 'anyrange'::regtype AND t.typtype = 'r')
            OR (c.opcintype = 'anymultirange'::regtype AND t.typtype = 'm')
            OR (c.opcintype = 'record'::regtype AND t.typtype = 'c'))
     ORDER BY c.opcintype = t.oid DESC, ct.typtype <> 'p' DESC, ct.typispreferred DESC, c.oid
     LIMIT 1
$$;

-- The operator of role op ('<', '<=', '=', '>=' or '>') in typ's default
-- btree operator class ('=' also from its hash class when it has no btree
-- class): oprid, its SQL (OPERATOR(schema.name)), and the cast to append to
-- each operand ('' when typ is the class's type or the class is polymorphic).
CREATE FUNCTION vqc._type_operator(typ regtype, op text,
                                   OUT oprid oid, OUT operator_sql text, OUT operand_cast text)
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    strategy smallint := array_position(ARRAY['<', '<=', '=', '>=', '>'], op);
    am       text := 'btree';
    opclass  oid := vqc._default_opclass(typ, 'btree');
BEGIN
    IF strategy IS NULL THEN
        RAISE EXCEPTION 'unknown comparison "%"', op
            USING ERRCODE = 'internal_error';
    END IF;
    IF opclass IS NULL AND op = '=' THEN
        am := 'hash';
        opclass := vqc._default_opclass(typ, 'hash');
        strategy := 1;
    END IF;
    SELECT o.oid, format('OPERATOR(%s.%s)', quote_ident(n.nspname), o.oprname),
           CASE WHEN ct.typtype = 'p' OR ct.oid = typ THEN ''
                ELSE '::' || format_type(ct.oid, NULL) END
      INTO oprid, operator_sql, operand_cast
      FROM pg_opclass c
      JOIN pg_type ct ON ct.oid = c.opcintype
      JOIN pg_amop a ON a.amopfamily = c.opcfamily AND a.amoplefttype = c.opcintype
                    AND a.amoprighttype = c.opcintype AND a.amopstrategy = strategy
      JOIN pg_operator o ON o.oid = a.amopopr
      JOIN pg_namespace n ON n.oid = o.oprnamespace
     WHERE c.oid = opclass;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'type % has no default % operator class with an operator %', typ, am, op
            USING ERRCODE = 'datatype_mismatch',
                  HINT = 'Cast the column in a view to a type with a default btree operator class.';
    END IF;
END
$$;

-- SQL comparing lhs with rhs, both of type typ, by the operator of role op
-- of typ's operator class; with rhs_is_array, rhs is an array of typ and the
-- comparison holds when it holds for ANY element.
CREATE FUNCTION vqc._compare_sql(typ regtype, lhs text, op text, rhs text,
                                 rhs_is_array boolean DEFAULT false)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT CASE WHEN rhs_is_array
                THEN format('(%s)%s %s ANY ((%s)%s)', lhs, o.operand_cast, o.operator_sql, rhs,
                            CASE WHEN o.operand_cast = '' THEN '' ELSE o.operand_cast || '[]' END)
                ELSE format('(%s)%s %s (%s)%s', lhs, o.operand_cast, o.operator_sql, rhs, o.operand_cast) END
      FROM vqc._type_operator(typ, op) o
$$;

-- The call of the min or max aggregate (which) of typ's ordering on arg: an
-- aggregate whose sort operator is the class's < or > (for boolean, bool_and
-- and bool_or), of the operator's schema and owner, so that no other role's
-- aggregate declaring that sort operator is chosen.  NULL when the type has
-- none (jsonb).
CREATE FUNCTION vqc._minmax_sql(typ regtype, which text, arg text)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT format('%I.%I((%s)%s)', n.nspname, p.proname, arg, o.operand_cast)
      FROM vqc._type_operator(typ, CASE which WHEN 'min' THEN '<' ELSE '>' END) o
      JOIN pg_operator opr ON opr.oid = o.oprid
      JOIN pg_aggregate a ON a.aggsortop = o.oprid AND a.aggkind = 'n'
      JOIN pg_proc p ON p.oid = a.aggfnoid AND p.pronargs = 1
                    AND p.pronamespace = opr.oprnamespace AND p.proowner = opr.oprowner
      JOIN pg_namespace n ON n.oid = p.pronamespace
     ORDER BY p.proname = which DESC, p.oid
     LIMIT 1
$$;
