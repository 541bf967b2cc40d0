import { describe, expect, it } from 'vitest';
import { parseXmlTable } from './xml.js';

describe('record-oriented XML', () => {
  it('takes the repeated element as rows and header elements as file values, keeping lines', () => {
    const { table, fileValues } = parseXmlTable(
      'r.xml',
      `<?xml version="1.0"?>\n<Return>\n  <Header><SiteCode>XED01</SiteCode></Header>\n  <Assault><Method>Knife &amp; fist</Method><When>2021-07-03T00:55</When></Assault>\n  <Assault>\n    <When>2021-07-04T01:00</When><Method>Fist</Method><Extra>1</Extra>\n  </Assault>\n</Return>\n`,
    );
    expect(table.header).toEqual(['Method', 'When', 'Extra']);
    expect(table.rows).toEqual([
      ['Knife & fist', '2021-07-03T00:55', ''],
      ['Fist', '2021-07-04T01:00', '1'],
    ]);
    expect([table.lineOf(0), table.lineOf(1)]).toEqual([4, 5]);
    expect(fileValues).toEqual({ SiteCode: 'XED01' });
  });

  it('tells a one-record file from its header', () => {
    const { table, fileValues } = parseXmlTable('r.xml', '<R><Header><SiteCode>A1</SiteCode></Header><Record><a>1</a><b>2</b></Record></R>');
    expect(table.header).toEqual(['a', 'b']);
    expect(fileValues).toEqual({ SiteCode: 'A1' });
  });

  it('refuses broken XML, entity declarations and files without records', () => {
    expect(() => parseXmlTable('r.xml', '<R><A><x>1</x></R>')).toThrow(/line 1: the XML is not well formed/);
    expect(() => parseXmlTable('r.xml', '<!DOCTYPE r [<!ENTITY a "aaaa">]><R><A><x>&a;</x></A></R>')).toThrow(/DOCTYPE or entities/);
    expect(() => parseXmlTable('r.xml', '<R>text only</R>')).toThrow(/holds no records/);
  });
});
